"""The course's exercise checks: a learner calls ``check_02_exercise_1(my_answer)`` and reads why, one file a notebook.

Each check says right or wrong and, when wrong, why: for a derivative the point where it differs from
central differences (both numbers), for code the case that fails, for a number the one expected and how.
"""

from .notebook_01 import check_01_exercise_1, check_01_exercise_2, check_01_exercise_3
from .notebook_02 import check_02_exercise_1, check_02_exercise_3
from .notebook_03 import check_03_exercise_2
from .notebook_04 import check_04_exercise_1, check_04_exercise_2
from .notebook_05 import check_05_exercise_1, check_05_exercise_2, check_05_exercise_3, check_05_exercise_4
from .notebook_06 import check_06_exercise_1, check_06_exercise_2, check_06_exercise_3
from .notebook_07 import check_07_exercise_1, check_07_exercise_2, check_07_exercise_3
from .notebook_08 import check_08_exercise_1, check_08_exercise_2, check_08_exercise_3
from .notebook_09 import check_09_exercise_1, check_09_exercise_2, check_09_exercise_3
from .notebook_10 import check_10_exercise_1, check_10_exercise_2, check_10_exercise_3
from .notebook_11 import check_11_exercise_1, check_11_exercise_2, check_11_exercise_3
from .notebook_12 import check_12_exercise_1, check_12_exercise_2, check_12_exercise_3
from .verdict import RELATIVE_TOLERANCE, Verdict

__all__ = [
    "RELATIVE_TOLERANCE", "Verdict", "check_01_exercise_1", "check_01_exercise_2", "check_01_exercise_3",
    "check_02_exercise_1", "check_02_exercise_3", "check_03_exercise_2", "check_04_exercise_1", "check_04_exercise_2",
    "check_05_exercise_1", "check_05_exercise_2", "check_05_exercise_3", "check_05_exercise_4", "check_06_exercise_1",
    "check_06_exercise_2", "check_06_exercise_3", "check_07_exercise_1", "check_07_exercise_2", "check_07_exercise_3",
    "check_08_exercise_1", "check_08_exercise_2", "check_08_exercise_3", "check_09_exercise_1", "check_09_exercise_2",
    "check_09_exercise_3", "check_10_exercise_1", "check_10_exercise_2", "check_10_exercise_3", "check_11_exercise_1",
    "check_11_exercise_2", "check_11_exercise_3", "check_12_exercise_1", "check_12_exercise_2", "check_12_exercise_3",
]
