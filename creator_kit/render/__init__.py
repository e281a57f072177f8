"""creator_kit.render"""
