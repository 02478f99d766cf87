import multiprocessing
import unittest

import pytest


def test_rejects_negative_processes():
    with pytest.raises(ValueError):
        multiprocessing.Pool(processes=-1)


class PoolArguments(unittest.TestCase):
    def test_rejects_zero_processes(self):
        with self.assertRaises(ValueError):
            multiprocessing.Pool(processes=0)
