import unittest
from multiprocessing import shared_memory


class SharedMemoryTest(unittest.TestCase):
    def test_name_in_use(self):
        sms = shared_memory.SharedMemory("psm_taken", create=True, size=512)
        try:
            with self.assertRaises(FileExistsError):
                # the name is taken: this creation fails and creates nothing
                duplicate = shared_memory.SharedMemory("psm_taken", create=True, size=512)
        finally:
            sms.close()
            sms.unlink()
