"""creator_kit.text"""
