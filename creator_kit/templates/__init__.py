"""creator_kit.templates"""
