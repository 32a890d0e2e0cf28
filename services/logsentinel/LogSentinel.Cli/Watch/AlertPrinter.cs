using System.Globalization;
using LogSentinel.Contracts;
using LogSentinel.ServiceDefaults;
using MassTransit;

namespace LogSentinel.Cli.Watch;

/// <summary>
/// `watch`'s own consumer: one line on stdout per alert when it is first raised and per warning or critical window
/// analysis (journald keeps them when run as a systemd unit). Log-derived text is cleaned and capped.
/// </summary>
public sealed class AlertPrinter(TextWriter output) : IConsumer<AlertRaised>, IConsumer<WindowAnalyzed>
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public Task Consume(ConsumeContext<AlertRaised> context)
    {
        var a = context.Message;
        if (a.Revision != 0)
            return Task.CompletedTask;
        var country = a.Country is null ? "" : $" ({Clean(a.Country)})";
        var line = string.Create(Invariant, $"{a.WindowEnd:yyyy-MM-ddTHH:mm:ssZ} ALERT {a.Severity.ToUpperInvariant()} {Clean(a.RuleId)} {Clean(a.Offender)}{country} {a.Count}/{a.Threshold} on {Clean(string.Join(",", a.Hosts.Take(5)))}: {Clean(a.Description)}");
        return Write(line);
    }

    public Task Consume(ConsumeContext<WindowAnalyzed> context)
    {
        var a = context.Message;
        if (a.Level is not ("warning" or "critical"))
            return Task.CompletedTask;
        var line = string.Create(Invariant, $"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ} WINDOW {a.Level.ToUpperInvariant()} {Clean(a.Host)} {Clean(a.Aggregate.TimeWindow)} risk {a.RiskScore}/10 ({a.Source}): {FieldText.Clean(a.Summary, 300)}");
        return Write(line);
    }

    private Task Write(string line)
    {
        lock (output)
        {
            output.WriteLine(line);
            output.Flush();
        }
        return Task.CompletedTask;
    }

    private static string Clean(string value) => FieldText.Clean(value, 100) ?? "";
}

public sealed class AlertPrinterDefinition : ConsumerDefinition<AlertPrinter>
{
    public AlertPrinterDefinition()
    {
        EndpointName = "logsentinel-alert-printer";
    }
}
