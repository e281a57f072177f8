"""creator_kit.vision"""
