"""creator_kit.cli"""
