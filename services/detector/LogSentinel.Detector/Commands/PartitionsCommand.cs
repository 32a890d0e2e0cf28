using System.CommandLine;
using System.Globalization;
using LogSentinel.Detector.State;
using LogSentinel.ServiceDefaults;
using Microsoft.Extensions.Configuration;

namespace LogSentinel.Detector.Commands;

/// <summary>
/// `partitions [--config …]`: which replica owns which partition, under which epoch, how big its last checkpoint is
/// and how old; and every replica's heartbeat. Read from the state store, so it answers from any machine with the
/// detector's configuration, whether or not a replica runs there. Exit 2 when the store cannot be read.
/// </summary>
public static class PartitionsCommand
{
    public static Command Create()
    {
        var config = new Option<string?>("--config") { Description = $"YAML configuration file (default {RunCommand.DefaultConfig}, used when present)" };
        var command = new Command("partitions", "Show which detector replica owns which partition, and the replicas' heartbeats") { config };
        command.SetAction(async (result, cancellation) =>
        {
            var path = result.GetValue(config);
            var settings = ServiceHost.CreateBuilder(path ?? RunCommand.DefaultConfig, path is null).Configuration
                .GetSection(DetectorOptions.Section).Get<DetectorOptions>() ?? new DetectorOptions();
            if (string.IsNullOrWhiteSpace(settings.Store.ConnectionString))
            {
                await Console.Error.WriteLineAsync("partitions: Detector:Store:ConnectionString is not set").ConfigureAwait(false);
                return 2;
            }
            var store = new MariaDbPartitionStore(settings.Store.ConnectionString);
            try
            {
                var partitions = await store.PartitionsAsync(cancellation).ConfigureAwait(false);
                var members = await store.MembersAsync(cancellation).ConfigureAwait(false);
                Console.WriteLine("replica                          last heartbeat");
                foreach (var member in members.OrderBy(m => m.Replica, StringComparer.Ordinal))
                    Console.WriteLine($"{member.Replica,-32} {member.Age.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s ago{(member.Age > settings.MemberTimeout ? " (presumed dead)" : "")}");
                Console.WriteLine();
                Console.WriteLine("partition  owner                            epoch  checkpoint  written (UTC)");
                foreach (var p in partitions)
                    Console.WriteLine($"{p.Partition,-10} {p.Owner ?? "(none)",-32} {p.Epoch,5}  {p.StateBytes,8} B  {p.StateUpdated?.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "never"}");
                foreach (var owner in partitions.GroupBy(p => p.Owner ?? "(none)").OrderBy(g => g.Key, StringComparer.Ordinal))
                    Console.WriteLine($"{owner.Key}: {owner.Count()} partitions");
                return 0;
            }
            catch (Exception e) when (e is MySqlConnector.MySqlException or InvalidOperationException)
            {
                await Console.Error.WriteLineAsync($"partitions: the state store cannot be read: {e.Message}").ConfigureAwait(false);
                return 2;
            }
        });
        return command;
    }
}
