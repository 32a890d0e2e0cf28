using LogSentinel.Collector.Journal;
using LogSentinel.Contracts;
using LogSentinel.Parsing;

namespace LogSentinel.Collector.Tests;

/// <summary>A recorded `journalctl` (a script that prints exported entries and notes its arguments) stands in for systemd.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class JournalSourceTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("logsentinel-journal-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Entry(int seq, string message) =>
        "{\"__CURSOR\":\"s=5eed;i=" + seq.ToString("x", System.Globalization.CultureInfo.InvariantCulture) + ";b=b00t;m=1;t=2;x=3\","
        + "\"__REALTIME_TIMESTAMP\":\"17672256" + seq.ToString("D8", System.Globalization.CultureInfo.InvariantCulture) + "\","
        + "\"_HOSTNAME\":\"db-01\",\"SYSLOG_IDENTIFIER\":\"sshd-session\",\"_PID\":\"" + (4000 + seq) + "\",\"MESSAGE\":\"" + message + "\"}";

    /// <summary>A journalctl that writes its arguments to args.txt, prints the entries after the given cursor, then follows forever.</summary>
    private string FakeJournalctl(params string[] entries)
    {
        var data = Path.Combine(_dir, "entries.jsonl");
        File.WriteAllLines(data, entries);
        var script = Path.Combine(_dir, "journalctl");
        File.WriteAllText(script, $$"""
            #!/bin/bash
            printf '%s\n' "$@" > "{{_dir}}/args.txt"
            after=""
            for a in "$@"; do case "$a" in --after-cursor=*) after="${a#--after-cursor=}";; esac; done
            started=0
            [ -z "$after" ] && started=1
            while IFS= read -r line; do
              if [ $started = 1 ]; then printf '%s\n' "$line"; fi
              case "$line" in *"\"__CURSOR\":\"$after\""*) started=1;; esac
            done < "{{data}}"
            exec sleep 3600
            """);
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return script;
    }

    private JournalSource Source(string executable, List<SecurityEvent> events) => new(
        new JournalOptions { Mode = JournalMode.On, Executable = executable, Identifiers = ["sshd-session"] },
        startAtEnd: false,
        Path.Combine(_dir, "journal.cursor"),
        new LogParserOptions { FilePath = JournalSource.StreamName, DefaultHost = "h", TimeZone = TimeZoneInfo.Utc },
        events.Add,
        _ => { });

    private static void PollUntil(JournalSource source, Func<bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!done() && DateTime.UtcNow < deadline)
        {
            source.Poll(1000);
            Thread.Sleep(20);
        }
    }

    [Fact]
    public void Should_read_entries_store_the_cursor_and_resume_after_it()
    {
        var journalctl = FakeJournalctl(
            Entry(1, "Failed password for root from 203.0.113.1 port 1 ssh2"),
            Entry(2, "Failed password for root from 203.0.113.2 port 2 ssh2"),
            Entry(3, "Invalid user bob from 203.0.113.3 port 3"));
        var events = new List<SecurityEvent>();
        using (var source = Source(journalctl, events))
        {
            PollUntil(source, () => events.Count == 3);
            source.Capture();
            source.Commit();
        }
        Assert.Equal(["203.0.113.1", "203.0.113.2", "203.0.113.3"], events.Select(e => e.Source!.Address));
        Assert.Equal("db-01", events[0].Host.Name);
        Assert.Equal("s=5eed;i=3;b=b00t;m=1;t=2;x=3", File.ReadAllText(Path.Combine(_dir, "journal.cursor")));
        Assert.Contains("--lines=all", File.ReadAllLines(Path.Combine(_dir, "args.txt")));

        File.AppendAllLines(Path.Combine(_dir, "entries.jsonl"), [Entry(4, "Failed password for admin from 203.0.113.4 port 4 ssh2")]);
        var resumed = new List<SecurityEvent>();
        using (var source = Source(journalctl, resumed))
            PollUntil(source, () => resumed.Count >= 1);
        var args = File.ReadAllLines(Path.Combine(_dir, "args.txt"));
        Assert.Contains("--after-cursor=s=5eed;i=3;b=b00t;m=1;t=2;x=3", args);
        Assert.Contains("SYSLOG_IDENTIFIER=sshd-session", args);
        Assert.Equal(["203.0.113.4"], resumed.Select(e => e.Source!.Address));
    }

    [Fact]
    public void Should_hold_the_cursor_before_an_entry_whose_event_waits_for_its_address()
    {
        var journalctl = FakeJournalctl(
            Entry(1, "Failed password for root from 203.0.113.1 port 1 ssh2"),
            "{\"__CURSOR\":\"s=5eed;i=2;b=b00t;m=1;t=2;x=3\",\"__REALTIME_TIMESTAMP\":\"1767225600000002\",\"_HOSTNAME\":\"db-01\",\"SYSLOG_IDENTIFIER\":\"sshd\",\"_PID\":\"77\",\"MESSAGE\":\"error: kex_exchange_identification: Connection closed by remote host\"}");
        var events = new List<SecurityEvent>();
        using var source = Source(journalctl, events);
        PollUntil(source, () => events.Count == 1 && File.Exists(Path.Combine(_dir, "args.txt")));
        Thread.Sleep(300);
        source.Poll(1000);
        source.Capture();
        source.Commit();
        Assert.Equal("s=5eed;i=1;b=b00t;m=1;t=2;x=3", File.ReadAllText(Path.Combine(_dir, "journal.cursor")));
    }

    [Fact]
    public void Should_read_entries_of_the_listed_identifiers_or_units()
    {
        var options = new JournalOptions { Identifiers = ["sshd", "sudo"], Units = ["ssh", "postfix@-.service"] };
        Assert.Equal(
            ["--follow", "--output=json", "--no-pager", "--lines=0", "SYSLOG_IDENTIFIER=sshd", "SYSLOG_IDENTIFIER=sudo", "+",
             "_SYSTEMD_UNIT=ssh.service", "_SYSTEMD_UNIT=postfix@-.service"],
            JournalSource.Arguments(options, cursor: null, startAtEnd: true));
        Assert.DoesNotContain("+", JournalSource.Arguments(new JournalOptions { Units = ["ssh"] }, "c", startAtEnd: true));
    }

    [Fact]
    public void Should_read_the_journal_in_auto_mode_only_without_auth_log()
    {
        var auth = Path.Combine(_dir, "auth.log");
        Assert.True(JournalSource.ShouldRun(new JournalOptions(), [auth]));
        File.WriteAllText(auth, "");
        Assert.False(JournalSource.ShouldRun(new JournalOptions(), [auth]));
        Assert.True(JournalSource.ShouldRun(new JournalOptions { Mode = JournalMode.On }, [auth]));
    }
}
