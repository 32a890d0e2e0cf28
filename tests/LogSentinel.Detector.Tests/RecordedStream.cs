using LogSentinel.Contracts;
using LogSentinel.Detector.Evaluation;
using static LogSentinel.Detector.Tests.Events;

namespace LogSentinel.Detector.Tests;

/// <summary>
/// A deterministic event stream from four servers over three hours: brute forces, a distributed attack on one
/// account, sprays, fleet-wide scanners, two compromises and sudo abuse, in a background of one-off failures.
/// Cut into collector batches the way collectors publish them: per host, in log order.
/// </summary>
internal static class RecordedStream
{
    public static readonly string[] Hosts = ["web-01", "web-02", "mail-01", "db-01"];

    public static List<SecurityEvent> Events()
    {
        var random = new Random(20260224);
        var events = new List<SecurityEvent>();
        DateTime At(double maxMinutes) => T0.AddSeconds(random.Next((int)(maxMinutes * 60)));
        string Host() => Hosts[random.Next(Hosts.Length)];

        for (var i = 1; i <= 30; i++)
        {
            var start = At(170);
            var host = Host();
            var every = 1 + random.Next(5);
            for (var n = 0; n < 6 + random.Next(25); n++)
                events.Add(SshFailed(start.AddSeconds(n * every), $"203.0.113.{i}", n % 3 == 0 ? "root" : "admin", host));
        }
        var campaign = At(100);
        for (var i = 1; i <= 25; i++)
            events.Add(SshFailed(campaign.AddSeconds(i * 40), $"100.64.{i}.{i + 7}", "oracle", Host()));
        for (var i = 1; i <= 3; i++)
        {
            var start = At(150);
            for (var n = 0; n < 12; n++)
                events.Add(Of(EventActions.SmtpSaslAuthFailed, start.AddMinutes(n * 2), $"192.0.2.{i}", $"user{n}@example.org", "mail-01", path: "/var/log/mail.log"));
        }
        for (var i = 1; i <= 5; i++)
        {
            var start = At(150);
            for (var h = 0; h < Hosts.Length; h++)
                events.Add(SshFailed(start.AddMinutes(h * 3), $"198.51.100.{i}", "ubuntu", Hosts[h]));
        }
        for (var i = 1; i <= 2; i++)
        {
            var start = At(150);
            for (var n = 0; n < 6; n++)
                events.Add(SshFailed(start.AddSeconds(n * 20), $"203.0.113.{100 + i}", "deploy", "web-01"));
            events.Add(SshAccepted(start.AddSeconds(200), $"203.0.113.{100 + i}", "deploy", "web-01"));
        }
        var abuse = At(150);
        for (var n = 0; n < 4; n++)
            events.Add(Of(EventActions.SudoAuthFailed, abuse.AddSeconds(n * 30), user: "intern", host: "db-01"));
        for (var i = 0; i < 2000; i++)
            events.Add(SshFailed(At(180), $"10{random.Next(1, 9)}.{random.Next(256)}.{random.Next(256)}.{random.Next(1, 255)}", "test", Host()));
        return events;
    }

    /// <summary>Per host in log order, batches of 300: what the collectors would publish.</summary>
    public static List<SecurityEventBatch> Batches(List<SecurityEvent> events)
    {
        var batches = new List<SecurityEventBatch>();
        foreach (var host in Hosts)
        {
            var ofHost = events.Where(e => e.Host.Name == host).Order(EventOrder.Instance).ToArray();
            for (var i = 0; i < ofHost.Length; i += 300)
            {
                var chunk = ofHost.Skip(i).Take(300).ToArray();
                batches.Add(new SecurityEventBatch { BatchId = $"{host}:{chunk[0].Event.Id}", Host = host, RoutingKey = "p00", Events = chunk });
            }
        }
        // Hosts interleaved, each in its own order, as several collectors publishing at once.
        return batches.OrderBy(b => b.Events[0].Timestamp).ThenBy(b => b.Host, StringComparer.Ordinal).ToList();
    }
}
