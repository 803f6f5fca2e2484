namespace InfraGrpc.Domain.Tests;

/// <summary>Finds folders of this repository from the test's output directory.</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string Charts => Path.Combine(Root, "charts");

    public static string Fixtures => Path.Combine(Root, "tests", "fixtures");

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "InfraGrpc.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("InfraGrpc.sln not found above " + AppContext.BaseDirectory);
    }
}
