"""The story against the server named by INFRAGRPC_SERVER, with the standard library's unittest."""
import unittest

import example
from infragrpc_client import Client


class StoryTest(unittest.TestCase):
    def test_story_from_publish_to_purge(self):
        client = Client()
        try:
            example.story(client)
        finally:
            client.close()


if __name__ == "__main__":
    unittest.main()
