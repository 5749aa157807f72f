"""File sizes as Japanese public sites print them."""

import math

KB = 1024
MB = 1024 * KB
GB = 1024 * MB


def file_size(num_bytes, *, round_up=False):
    """'820B', '312KB', '20.1MB', '1.2GB'.

    KB are whole, MB and GB have one decimal (dropped when it is 0). With
    ``round_up`` a size just over a limit never reads as the limit itself
    ("20.1MB を超えています", not "20MB").
    """
    try:
        size = int(num_bytes)
    except (TypeError, ValueError):
        return ""
    rounding = math.ceil if round_up else round
    if size < KB:
        return f"{size}B"
    if rounding(size / KB) < 1000:
        return f"{rounding(size / KB)}KB"
    unit, scale = ("MB", MB) if rounding(size * 10 / MB) < 10000 else ("GB", GB)
    value = rounding(size * 10 / scale) / 10
    return f"{value:.1f}".removesuffix(".0") + unit
