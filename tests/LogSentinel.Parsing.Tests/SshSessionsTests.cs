using LogSentinel.Parsing.Messages;
using LogSentinel.Parsing.Text;

namespace LogSentinel.Parsing.Tests;

public sealed class SshSessionsTests
{
    private static readonly DateTime Now = new(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Should_keep_the_older_generation_when_a_connection_from_it_speaks_while_the_newer_one_is_full()
    {
        var sessions = new SshSessions();
        var strings = new Utf8StringCache();
        var evicted = new List<PendingEvent>();
        // Two full generations: pids 0..G-1 become the older one once pid G starts the newer one, which G-1 more fill.
        for (var pid = 0; pid < 2 * SshSessions.GenerationSize; pid++)
            sessions.Remember("h", pid, "203.0.113.7"u8, strings, Now, evicted);

        // A connection of the older generation names its address again: it moves to the newer one, nothing is dropped.
        sessions.Remember("h", 0, "203.0.113.7"u8, strings, Now, evicted);

        Assert.Equal("203.0.113.7", sessions.AddressOf("h", 1, Now));
        Assert.Empty(evicted);
    }
}
