"""creator_kit.media"""
