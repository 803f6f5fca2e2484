using System.Security.Cryptography.X509Certificates;

namespace InfraGrpc.Client;

/// <summary>Trusting a server certificate because it chains to given authorities, not to the system's roots.</summary>
public static class ServerTrust
{
    /// <summary>A handler that accepts the server's certificate only when it chains to one of <paramref name="authorities"/>.</summary>
    public static SocketsHttpHandler TrustingOnly(X509Certificate2Collection authorities)
    {
        var handler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true };
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
        {
            if (certificate is null)
            {
                return false;
            }

            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            using var presented = new X509Certificate2(certificate);
            return chain.Build(presented);
        };
        return handler;
    }
}
