"""The log line format: logfmt (`key=value`), one line per record, for people and log tools."""

from __future__ import annotations

import datetime
import json
import logging

# Attributes every LogRecord has; anything else on a record came from `extra=` and is logged.
STANDARD_ATTRIBUTES = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}
SKIPPED_EXTRAS = {"request", "server_time"}  # Django adds the request object itself


def logfmt_value(value) -> str:
    text = value if isinstance(value, str) else str(value)
    if text and not any(c in text for c in ' ="\\\n\r\t') and text.isprintable():
        return text
    return json.dumps(text, ensure_ascii=False)


class LogfmtFormatter(logging.Formatter):
    """One `key=value` line per record: time, level, logger, msg, extras, then the traceback."""

    def format(self, record: logging.LogRecord) -> str:
        fields = {
            "time": datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in STANDARD_ATTRIBUTES and key not in SKIPPED_EXTRAS:
                fields[key] = value
        if record.exc_info:
            fields["exc"] = self.formatException(record.exc_info)
        return " ".join(f"{key}={logfmt_value(value)}" for key, value in fields.items())
