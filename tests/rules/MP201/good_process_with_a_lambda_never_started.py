import multiprocessing
import unittest


class Flushing(unittest.TestCase):
    def test_process_object_is_truthy(self):
        proc = multiprocessing.Process(target=lambda: None)
        self.assertTrue(proc)
        assert proc
