using LogSentinel.Contracts;

namespace LogSentinel.Parsing.Tests;

public class DocumentationTests
{
    private static string RepositoryFile(string relative)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "LogSentinel.sln")))
            dir = dir.Parent;
        Assert.NotNull(dir);
        return File.ReadAllText(Path.Combine(dir.FullName, relative));
    }

    [Fact]
    public void Should_document_every_action_of_the_vocabulary()
    {
        var doc = RepositoryFile("docs/events.md");
        Assert.All(EventActions.Catalogue.Keys, action => Assert.Contains($"| `{action}` |", doc, StringComparison.Ordinal));
    }

    [Fact]
    public void Should_document_every_field_of_the_event()
    {
        var doc = RepositoryFile("docs/events.md");
        foreach (var field in new[] { "@timestamp", "event.id", "event.action", "event.outcome", "event.category", "event.dataset", "host.name",
                     "process.name", "source.address", "source.ip", "source.port", "user.name", "log.file.path", "log.offset", "event.original" })
            Assert.Contains($"`{field}`", doc, StringComparison.Ordinal);
    }
}
