"""creator_kit.batch"""
