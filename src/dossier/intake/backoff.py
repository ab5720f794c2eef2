"""Back-off for groups whose commit fails (disk full, a deterministic archive error): no full re-read
every settle period. Exponential, capped, logged once per change of state, with an alert file in the
state folder like the fixity one (``INTAKE-ALERT.txt``), removed when every group commits again."""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Callable

log = logging.getLogger(__name__)

ALERT_NAME = "INTAKE-ALERT.txt"
CAP_SECONDS = 3600.0


class Backoff:
    def __init__(self, state_dir: Path, base: float = 5.0, cap: float = CAP_SECONDS,
                 clock: Callable[[], float] = time.monotonic):
        self.state_dir, self.base, self.cap, self.clock = state_dir, base, cap, clock
        self._state: dict[str | None, tuple[int, float, str]] = {}  # folder -> (failures, retry at, message)

    def left(self, folder: str | None) -> float:
        """Seconds until ``folder``'s files may be tried again (0: now)."""
        state = self._state.get(folder)
        return max(0.0, state[1] - self.clock()) if state else 0.0

    def failed(self, folder: str | None, message: str) -> float:
        """Record a failed commit; returns the seconds until the next try."""
        count = self._state.get(folder, (0, 0.0, ""))[0] + 1
        wait = min(self.cap, self.base * 2 ** (count - 1))
        previous = self._state.get(folder, (0, 0.0, ""))[2]
        self._state[folder] = (count, self.clock() + wait, message)
        if message != previous:  # once per change of state, not every retry
            log.error("归档失败（%s）：%s；%.0f 秒后重试，之后间隔加倍（最长 %.0f 秒）",
                      folder or "收件箱根目录", message, wait, self.cap)
        self._write_alert()
        return wait

    def succeeded(self, folder: str | None) -> None:
        if self._state.pop(folder, None) is not None:
            log.warning("归档已恢复正常（%s）", folder or "收件箱根目录")
            self._write_alert()

    def _write_alert(self) -> None:
        alert = self.state_dir / ALERT_NAME
        try:
            if not self._state:
                alert.unlink(missing_ok=True)
                return
            self.state_dir.mkdir(parents=True, exist_ok=True)
            lines = ["收件归档失败，系统正在按退避间隔重试：", ""]
            lines += [f"  {folder or '收件箱根目录'}：已失败 {count} 次；最近一次原因：{message}"
                      for folder, (count, _, message) in sorted(self._state.items(), key=lambda kv: kv[0] or "")]
            lines += ["", "请检查磁盘空间、档案库权限，或运行 `dossier verify`；问题解决后系统会自动重试，本文件随之删除。"]
            alert.write_text("\n".join(lines) + "\n", encoding="utf-8")
        except OSError:
            log.exception("intake alert file not written")
