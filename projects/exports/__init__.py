"""Exports of the filtered project set: streamed CSV and JSON, and XLSX, from one column spec.

`/projects/export.csv`, `/projects/export.json` and `/projects/export.xlsx` take the parameters
of `/projects/` (the same `ProjectFilter`: `q`, every filter and `sort`), so an export holds
exactly the rows of the list, in the same order. `python manage.py export_projects` writes the
same files.

Extra parameters:

- `lang=sv|en`: header language, names of codes (region, county, programme area, …) and the words
  for status and yes/no in CSV and XLSX. Default: the UI language (`/en/projects/export.csv` is
  English).
- `headers=both`: bilingual headers, "Diarienummer / Diary number", like ESF-rådet's own list.
- `sep=semicolon` (CSV only): `;` between fields and a decimal comma (`50,00`). **Swedish Excel
  users should pick this variant** (the list links to it as "CSV för svenska Excel"): Excel with
  Swedish regional settings expects `;` and a decimal comma and would otherwise put every row in
  one cell. The default is `,` with a decimal point, for R, Python and English Excel.

Invalid values never give an error: `ProjectFilter` drops them and the rest of the filter applies;
the response header `X-ESF-Ignored-Parameters` names what was ignored, and JSON lists it in words
under `warnings`.

CSV: UTF-8 with a byte order mark (Excel then reads å, ä, ö right), LF line ends, one header
row. Numbers are raw (`19895809`, no thousands separators), dates ISO (`2020-02-01`), empty means
unknown. Text that a spreadsheet would run as a formula (it begins with `=`, `+`, `-`, `@`, tab or
CR) gets a leading `'` (OWASP "CSV injection"); numbers, negative ones too, are never changed.

JSON, streamed:

    {"count": 2,                       # rows that follow (counted just before they are read)
     "exported_at": "2026-11-23T10:15:00+01:00",
     "filters": {"region": ["SE21"], "status": "ongoing", "sort": "-start",
                 "esf_grant": {"min": 1000000, "max": null}},   # the valid filter values
     "warnings": [],                   # ignored parameters, in words
     "projects": [
       {"diary_number": "2020/00152", "name": "Fortsatt SLA",
        "programme": {"code": "ESF-2014-2020", "name_sv": "…", "name_en": "…",
                      "cci": "2014SE05M9OP001", "fund": "ESF"},
        "owner": {"name": "Kalmar kommun", "org_number": "2120000415"},
        "owner_unit": "", "region": {"code": "SE21", "name_sv": "Småland och Öarna",
                                     "name_en": "Småland with the islands", "nuts2": "SE21"},
        "county": {"code": "SE213", "name_sv": "Kalmar län", "name_en": "Kalmar County"},
        "city": "Kalmar", "postcode": "39232",
        "start_date": "2020-08-17", "end_date": "2022-12-31", "status": "finished",
        "total_budget": 36619373, "esf_grant": 17207538,
        "cofinancing_rate": "50.00", "esf_share_of_budget": "47.0",
        "programme_area": {"code": "2", "name_sv": "…", "name_en": "…"},
        "specific_objective": null, "intervention_field": null,
        "planned_participants": 446, "participant_goal": null,
        "child_poverty_theme": null, "strategic_importance": true,
        "decision_count": 2, "last_decision_date": "2021-03-01",
        "description": "…", "url": "https://…/projects/2020-00152/"}, …]}

Types: money and counts are integers (whole kronor); **decimals are strings** ("50.00", two
decimals for the co-financing rate, one for the ESF share), exact where a float would not be;
dates are ISO strings; yes/no/unknown is `true`/`false`/`null`; `status` is a code (`upcoming`,
`ongoing`, `finished`, at the export date); a code list value is an object with `code`, `name_sv`
and `name_en` (`null` when the project has none); text fields are strings, `""` when empty.
The keys are the `key` of each column in `columns.COLUMNS`; a dotted key nests
(`region.code`), and a `.name` column becomes `name_sv` and `name_en`.

XLSX: one sheet "Projekt" with typed cells (numbers, dates, yes/no as booleans), a frozen header
row and column widths, and a sheet "Om data" with the filter, the export time and the source.
A workbook is a zip that must be complete before its first byte, so the web export builds it
into a temporary file and then sends it in pieces, and refuses it above `ESF_XLSX_MAX_ROWS` rows
(setting, default 20 000: 5–15 s of building) with HTTP 400 and links to the CSV of the same
filter; use CSV for larger sets. `export_projects` allows up to `XLSX_ROW_LIMIT` (200 000).

Every export is built in one of a few slots per process and kept, compressed, until the
registry changes (`limits`: 503 with `Retry-After` when the slots are taken).

Rows come from one query (projects with the owner joined; the decision count and date are
kept on each project) read through a server-side cursor, `iterator(chunk_size=…)`, so memory
stays flat for any size; the five small code lists are the ones `ProjectFilter` already loaded,
looked up in memory. On PostgreSQL the CSV rows come from COPY instead (`copy`).

Modules: `columns` (the column spec: headers, JSON keys, kinds, each value in Python and SQL),
`cells` (the formula guard and decimal comma, with their SQL), `export` (parameters, language,
headers, the filtered rows), `rows` (rows built in Python), `csv`, `copy` (PostgreSQL COPY),
`json`, `xlsx`, `limits` (slots, kept files, row caps) and `views`.
"""
