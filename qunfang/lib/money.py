"""An amount of money written as on a Chinese receipt or cheque: in capital numerals (大写), so that it
cannot be altered by adding a stroke. Written here because the libraries that do it (cn2an and the like)
bring a dependency and a general number parser for one function of twenty lines."""

DIGITS = "零壹贰叁肆伍陆柒捌玖"
SMALL_UNITS = ["", "拾", "佰", "仟"]
LARGE_UNITS = ["", "万", "亿", "万亿"]


def _four(number: int) -> str:
    """0 < number < 10,000, with 零 for a gap inside it (1,005 -> 壹仟零伍)."""
    text, gap = "", False
    for position in range(3, -1, -1):
        digit = number // 10**position % 10
        if digit == 0:
            gap = bool(text)
            continue
        text += ("零" if gap else "") + DIGITS[digit] + SMALL_UNITS[position]
        gap = False
    return text


def yuan_in_capitals(fen: int) -> str:
    """12,345.67 yuan given as 1,234,567 fen -> 人民币壹万贰仟叁佰肆拾伍元陆角柒分; whole yuan end in 整."""
    if fen < 0:
        raise ValueError("an amount on a receipt is not negative")
    whole, cents = divmod(fen, 100)
    jiao, fen_digit = divmod(cents, 10)
    groups = []
    while whole:
        whole, group = divmod(whole, 10_000)
        groups.append(group)
    text, gap = "", False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            gap = bool(text)
            continue
        if text and (gap or group < 1000):
            text += "零"
        text += _four(group) + LARGE_UNITS[index]
        gap = False
    text = (text + "元") if text else ""
    if jiao == fen_digit == 0:
        return "人民币" + (text or "零元") + "整"
    if jiao:
        text += DIGITS[jiao] + "角"
    elif text:
        text += "零"
    if fen_digit:
        text += DIGITS[fen_digit] + "分"
    return "人民币" + text
