"""What a failed build reports: the build as a whole, and each notebook that failed."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

# What jupyter_client raises (as RuntimeError) when a kernel does not start: it died while
# starting, or did not answer within the start timeout. Either way none of the notebook ran.
# (analysis.build.kernel_manager says the same; analysis.build.execute then tries once more.)
KERNEL_DIED = "Kernel died before replying to kernel_info"
KERNEL_SILENT = "Kernel didn't respond in"


class BuildFailed(RuntimeError):
    """The edition could not be built; the message says what failed and where to look."""

    def __init__(self, message: str, *, failures: list["NotebookFailure"] | None = None,
                 stage_dir: Path | None = None, log_path: Path | None = None):
        super().__init__(message)
        self.failures = list(failures or [])
        self.stage_dir = stage_dir
        self.log_path = log_path


@dataclass(frozen=True)
class NotebookFailure:
    """One notebook (or page) that could not be prepared or executed."""

    notebook: str  # path relative to the book root, e.g. notebooks/04_child_protection.ipynb
    ename: str
    evalue: str
    cell_number: int | None = None  # 1-based position in the source notebook
    cell_index: int | None = None  # 0-based index in the source notebook
    execution_count: int | None = None  # "In [n]" in the executed copy
    cell_count: int | None = None
    first_line: str | None = None  # first line of the failing cell's code
    executed_copy: Path | None = None

    def describe(self) -> str:
        where = self.notebook
        if self.cell_index is not None:
            of = f" of {self.cell_count}" if self.cell_count else ""
            where += (
                f", cell {self.cell_number}{of} (index {self.cell_index}; "
                f"execution count In [{self.execution_count}])"
            )
        message = self.evalue.strip()
        text = f"{where}: {self.ename}" + (f": {message}" if message else "")
        text = text.replace("\n", "\n      ")
        if self.first_line:
            text += f"\n      cell begins: {self.first_line}"
        if self.executed_copy:
            text += f"\n      executed copy: {self.executed_copy}"
        return text
