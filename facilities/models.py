"""ふくしマップ: the welfare-service directory (page types arrive with the facility search)."""
