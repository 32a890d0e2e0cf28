using LogSentinel.Contracts;

namespace LogSentinel.Parsing.Tests;

public class DocumentationTests
{
    private static string RepositoryFile(string relative) => File.ReadAllText(Path.Combine(Repository.Root, relative));

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
        foreach (var field in new[] { "@timestamp", "event.id", "event.action", "event.outcome", "event.attempt", "event.category", "event.dataset", "host.name",
                     "process.name", "source.address", "source.ip", "source.port", "user.name", "log.file.path", "log.offset", "event.original" })
            Assert.Contains($"`{field}`", doc, StringComparison.Ordinal);
    }
}
