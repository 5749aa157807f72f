"""One month's vacancy sheet as CSV: written for download, read back from an upload.

The columns are those of the monthly screen. The CSV itself (formula cells
neutralised, encodings and line ends) is ``home.spreadsheets``'. Reading checks
every row and collects (row, message) errors; the caller applies nothing unless
there are none.
"""

from home.spreadsheets import read_csv, write_csv

from .forms import FOR_WHOM_BY_LABEL, VacancyValueError, parse_month, parse_vacancies
from .models import ForWhom, VacancyFigure

HEADERS = ["事業所ID", "事業所名", "サービス", "対象月", "空き人数", "対象", "体験利用", "備考"]
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
TRUE_WORDS = {"可", "○", "◯", "はい", "1", "あり", "true"}
FALSE_WORDS = {"", "不可", "×", "いいえ", "0", "なし", "false", "-"}


def write_sheet(month, rows, figures):
    """The CSV text of ``rows`` for ``month``."""
    lines = [HEADERS]
    for facility, service in rows:
        figure = figures.get((facility.pk, service.pk))
        lines.append(
            [
                facility.pk,
                facility.title,
                service.name,
                f"{month:%Y-%m}",
                "" if figure is None or figure.vacancies is None else figure.vacancies,
                figure.get_for_whom_display() if figure else "問わず",
                "可" if figure and figure.trial_stay else "",
                figure.note if figure else "",
            ]
        )
    return write_csv(lines)


def read_sheet(data, month, tracked_rows):
    """The uploaded file's rows ready for ``VacancyFigure.objects.write_month``, and a list
    of (row, message)."""
    table, errors = read_csv(data, columns=len(HEADERS))
    if not table or (errors and errors[0][0] < table[0][0]):
        return [], errors or [(1, "ファイルが空です。")]
    (line, header), body = table[0], table[1:]
    if [h.strip() for h in header] != HEADERS:
        return [], [
            (
                line,
                f"{line}行目の見出しが違います。ダウンロードした表の見出し("
                + "、".join(HEADERS)
                + ")をそのまま使ってください。",
            )
        ]
    rows, row_errors = parse_rows(body, month, tracked_rows)
    return rows, sorted(errors + row_errors, key=lambda error: error[0])


def parse_rows(table, month, tracked_rows):
    """``(row number, cells)`` of the sheet's body → rows for ``write_month``, (row, message)s."""
    expected = {(f.pk, s.name): (f, s) for f, s in tracked_rows}
    rows, errors, seen = [], [], {}
    for line, values in table:
        if len(values) != len(HEADERS):
            errors.append((line, f"列の数が{len(HEADERS)}ではありません({len(values)}列)。"))
            continue
        facility_id, _, service_name, row_month, vacancies, for_whom, trial, note = (
            v.strip() for v in values
        )
        problems = []
        key = None
        if not facility_id.isascii() or not facility_id.isdigit():
            problems.append("事業所IDが数字ではありません。")
        else:
            key = (int(facility_id), service_name)
            if key not in expected:
                problems.append(
                    f"事業所ID {facility_id} の「{service_name}」は、空き情報を集める対象にありません。"
                )
        if row_month and parse_month(row_month) != month:
            problems.append(f"対象月が{month:%Y-%m}ではありません。")
        try:
            number = parse_vacancies(vacancies)
        except VacancyValueError as error:
            problems.append(str(error))
            number = None
        if trial not in TRUE_WORDS and trial not in FALSE_WORDS:
            problems.append("体験利用は「可」か空欄にしてください。")
        values = {
            "vacancies": number,
            "for_whom": FOR_WHOM_BY_LABEL.get(for_whom, for_whom or ForWhom.ANY),
            "trial_stay": trial in TRUE_WORDS,
            "note": note,
        }
        problems += [m[0] for m in VacancyFigure.entered_value_errors(values).values()]
        if key is not None and key in seen:
            problems.append(f"同じ事業所・サービスの行が{seen[key]}行目にもあります。")
        if key is not None:
            seen.setdefault(key, line)
        if problems:
            errors.extend((line, p) for p in problems)
            continue
        facility, service = expected[key]
        rows.append(
            {
                "facility": facility.pk,
                "facility_name": facility.title,
                "service_type": service.pk,
                "service_name": service.name,
                **values,
            }
        )
    return rows, errors
