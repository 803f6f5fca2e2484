using System.Xml.Linq;
using InfraGrpc.Storage.Postgres;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace InfraGrpc.Server.Secrets;

/// <summary>
/// The Data Protection key ring in the database that replicas share, so that a secret one replica sealed
/// opens on every other. Each key is one row, written once; like the keys folder of a single server, it holds
/// the keys in clear, so whoever may read the database may read them.
/// </summary>
internal sealed class SharedKeyRing(PostgresStore store) : IXmlRepository
{
    private const string Prefix = "dataprotection:";

    public IReadOnlyCollection<XElement> GetAllElements() => store.SharedKeys(Prefix).Select(XElement.Parse).ToList();

    public void StoreElement(XElement element, string friendlyName) =>
        store.SharedKey(Prefix + friendlyName, () => element.ToString(SaveOptions.DisableFormatting));
}
