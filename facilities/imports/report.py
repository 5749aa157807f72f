"""The dry run as text, for the command line (the admin screen has its own template)."""


def lines(result):
    counts = result.counts()
    out = []
    if result.errors:
        out.append(
            f"取り込めません。次の {len(result.errors)} 件を直してください(何も変更していません)。"
        )
        out += [f"  - {error}" for error in result.errors]
        return out
    out.append(
        f"読んだ行: {counts['rows']}行(児玉郡市の外の行 {counts['outside_rows']}行は除きました)"
    )
    out.append(
        f"新しい事業所: {counts['new']}件 / 変わる事業所: {counts['changed']}件 / "
        f"変わらない事業所: {counts['unchanged']}件 / ファイルにない事業所: {counts['missing']}件"
    )
    for diff in result.new:
        out.append(f"  + {diff.facility.values['title']}({diff.facility.values['office_number']})")
    for diff in result.changed:
        out.append(f"  * {diff.title}")
        out += [f"      {c.label}: 「{c.old}」→「{c.new}」" for c in diff.changes]
        out += [
            f"      {c.label}: 編集者が変えた「{c.old}」を残します(ファイルは「{c.new}」)"
            for c in diff.protected
        ]
    for diff in result.unchanged:
        out += [
            f"  = {diff.title} {c.label}: 編集者が変えた「{c.old}」を残します(ファイルは「{c.new}」)"
            for c in diff.protected
        ]
    for _, title, number in result.missing:
        out.append(f"  - ファイルにない: {title}({number or '事業所番号なし'})")
    for name, where in result.unknown_types.items():
        out.append(
            f"  ? 分類にないサービス種別「{name}」: {'、'.join(where[:5])}"
            + (f" ほか{len(where) - 5}行" if len(where) > 5 else "")
            + "(取り込みません。サービスの種類に加えてから、もう一度取り込んでください)"
        )
    for title in result.skipped:
        out.append(f"  ? {title}: 分類にあるサービスがないため、取り込みません")
    return out
