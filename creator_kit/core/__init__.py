"""creator_kit.core"""
