"""Against a TLS server that requires a token (test.sh sets INFRAGRPC_TLS_SERVER, INFRAGRPC_TLS_CA_FILE
and INFRAGRPC_TLS_TOKEN_FILE): the CA file and the token file are enough; without either the call fails."""
import os
import unittest

import grpc

from infragrpc_client import Client, chart_pb2

SERVER = os.environ.get("INFRAGRPC_TLS_SERVER")
CA = os.environ.get("INFRAGRPC_TLS_CA_FILE")
TOKEN = os.environ.get("INFRAGRPC_TLS_TOKEN_FILE")


@unittest.skipUnless(SERVER, "no TLS server given")
class TlsTest(unittest.TestCase):
    def test_https_with_a_ca_file_and_a_token_file(self):
        client = Client(SERVER, token_file=TOKEN, ca_file=CA)
        listed = client.charts.ListCharts(chart_pb2.ListChartsRequest(), metadata=client.metadata, timeout=30)
        self.assertTrue(len(listed.charts) > 0)
        client.close()

    def test_without_the_token_the_server_says_unauthenticated(self):
        client = Client(SERVER, token="", ca_file=CA)
        with self.assertRaises(grpc.RpcError) as caught:
            client.charts.ListCharts(chart_pb2.ListChartsRequest(), metadata=client.metadata, timeout=30)
        self.assertEqual(caught.exception.code(), grpc.StatusCode.UNAUTHENTICATED)
        client.close()

    def test_without_the_ca_the_certificate_is_not_trusted(self):
        client = Client(SERVER, token_file=TOKEN)
        with self.assertRaises(grpc.RpcError) as caught:
            client.charts.ListCharts(chart_pb2.ListChartsRequest(), metadata=client.metadata, timeout=30)
        self.assertEqual(caught.exception.code(), grpc.StatusCode.UNAVAILABLE)
        client.close()


if __name__ == "__main__":
    unittest.main()
