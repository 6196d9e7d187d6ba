namespace Coaching.Storage.Mongo.Tests;

/// <summary>The README's index table lists exactly the indexes the store creates.</summary>
public class IndexListingTests
{
    [Fact]
    public void Readme_ListsEveryPlannedIndex_AndNoOther()
    {
        var readme = File.ReadAllText(Path.Combine(RepoRoot(), "README.md"));
        var table = readme[readme.IndexOf("| collection | index |", StringComparison.Ordinal)..];
        table = table[..table.IndexOf("\n\n", StringComparison.Ordinal)];
        var listed = table.Split('\n').Skip(2).Select(row => row.Split('|', StringSplitOptions.TrimEntries))
            .Select(cells => $"{cells[1].Trim('`')}.{cells[2].Trim('`')}").Order(StringComparer.Ordinal).ToList();

        var planned = IndexPlan.All.SelectMany(c => c.Indexes.Select(i => $"{c.Collection}.{i.Name}")).Order(StringComparer.Ordinal).ToList();

        Assert.Equal(planned, listed);
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Coaching.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Coaching.sln not found above the test binaries.");
    }
}
