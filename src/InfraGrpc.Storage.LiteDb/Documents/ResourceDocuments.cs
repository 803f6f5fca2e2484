using InfraGrpc.Domain.Projects;
using InfraGrpc.Domain.Values;

namespace InfraGrpc.Storage.LiteDb.Documents;

/// <summary>Writes a resource record inside the pipeline batch's transaction, beside the event that reports it.</summary>
internal static class ResourceDocuments
{
    public static bool Upsert(LiteDbStore store, ProjectResource resource)
    {
        var project = store.Database.GetCollection<ProjectDocument>(ProjectDocument.Collection).FindById(resource.ProjectId);
        return store.Database.GetCollection<ResourceDocument>(ResourceDocument.Collection).Upsert(new ResourceDocument
        {
            Id = $"{resource.ProjectId}/{resource.Key}",
            ProjectId = resource.ProjectId,
            OrgKey = project is null ? string.Empty : $"{project.Org}/{resource.Key}",
            State = resource.State.ToString(),
            Json = RecordJson.Serialize(resource),
        });
    }
}
