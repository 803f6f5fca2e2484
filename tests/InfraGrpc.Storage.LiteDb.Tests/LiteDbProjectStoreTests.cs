using InfraGrpc.Storage.LiteDb.Documents;

namespace InfraGrpc.Storage.LiteDb.Tests;

public sealed class LiteDbProjectStoreTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("infragrpc-store-").FullName;

    [Fact]
    public async Task ForceDelete_RecordThatCannotBeRead_IsRemovedWithItsRevisionsAndResources()
    {
        using var store = LiteDbStore.Open(_directory);
        var projects = new LiteDbProjectStore(store);
        var broken = "{\"Id\":" + string.Concat(Enumerable.Repeat("[", 200)) + string.Concat(Enumerable.Repeat("]", 200)) + "}";
        store.Database.GetCollection<ProjectDocument>(ProjectDocument.Collection).Insert(new ProjectDocument { Id = "p1", OrgName = "acme/broken", Org = "acme", Name = "broken", Json = broken });
        store.Database.GetCollection<RevisionDocument>(RevisionDocument.Collection).Insert(new RevisionDocument { Id = RevisionDocument.IdOf("p1", 1), ProjectId = "p1", Number = 1, Json = broken });
        store.Database.GetCollection<ResourceDocument>(ResourceDocument.Collection).Insert(new ResourceDocument { Id = "p1/AwsVpc/v", ProjectId = "p1", Json = broken });
        await Assert.ThrowsAnyAsync<Exception>(() => projects.GetByNameAsync("acme", "broken"));

        var busy = await projects.ForceDeleteAsync("acme/broken", "admin", "unreadable after a bug", DateTimeOffset.UnixEpoch, _ => true);
        var removed = await projects.ForceDeleteAsync("acme/broken", "admin", "unreadable after a bug", DateTimeOffset.UnixEpoch, _ => false);
        var again = await projects.ForceDeleteAsync("p1", "admin", "twice", DateTimeOffset.UnixEpoch, _ => false);

        Assert.True(busy!.Busy);
        Assert.Equal(("p1", "acme/broken", 1, false), (removed!.ProjectId, removed.QualifiedName, removed.ResourceRecords, removed.Busy));
        Assert.Null(again);
        Assert.Null(await projects.GetByNameAsync("acme", "broken"));
        Assert.Equal(0, store.Database.GetCollection<RevisionDocument>(RevisionDocument.Collection).Count());
        Assert.Equal(0, store.Database.GetCollection<ResourceDocument>(ResourceDocument.Collection).Count());
        Assert.Equal(1, store.Database.GetCollection<DeletionDocument>(DeletionDocument.Collection).Count());
    }

    [Fact]
    public void Open_CreatesEveryCollectionOfEveryDocumentTypeBeforeTheFirstCall()
    {
        var declared = typeof(LiteDbStore).Assembly.GetTypes()
            .Select(t => t.GetField("Collection", System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)?.GetRawConstantValue() as string)
            .OfType<string>()
            .ToHashSet();

        using var store = LiteDbStore.Open(_directory);

        Assert.Subset(store.Database.GetCollectionNames().ToHashSet(), declared);
        Assert.Equal(declared.Order(), LiteDbStore.Collections.Order());
        Assert.All(LiteDbStore.Collections, name => Assert.Equal(0, store.Database.GetCollection(name).Count()));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
