"""creator_kit.gui"""
