using System.Collections.Concurrent;
using LogSentinel.Contracts;
using MassTransit;

namespace LogSentinel.Cli.Report;

/// <summary>What a run found: the latest revision of every alert and every window analysis, as the bus delivered them.</summary>
public sealed class Findings
{
    private readonly ConcurrentDictionary<string, AlertRaised> _alerts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, WindowAnalyzed> _analyses = new(StringComparer.Ordinal);

    public void Add(AlertRaised alert) =>
        _alerts.AddOrUpdate(alert.AlertId, alert, (_, known) => alert.Revision >= known.Revision ? alert : known);

    public void Add(WindowAnalyzed analysis) => _analyses[analysis.AnalysisId] = analysis;

    /// <summary>Each alert's latest revision, in the order they started (then rule and offender: the same every run).</summary>
    public IReadOnlyList<AlertRaised> Alerts =>
        [.. _alerts.Values.OrderBy(a => a.WindowStart).ThenBy(a => a.RuleId, StringComparer.Ordinal).ThenBy(a => a.Offender, StringComparer.Ordinal)];

    public IReadOnlyList<WindowAnalyzed> Analyses => [.. _analyses.Values];
}

/// <summary>The run's own consumer: one more subscriber beside the analyzer and the notifier.</summary>
public sealed class FindingsConsumer(Findings findings) : IConsumer<AlertRaised>, IConsumer<WindowAnalyzed>
{
    public Task Consume(ConsumeContext<AlertRaised> context)
    {
        findings.Add(context.Message);
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<WindowAnalyzed> context)
    {
        findings.Add(context.Message);
        return Task.CompletedTask;
    }
}

public sealed class FindingsConsumerDefinition : ConsumerDefinition<FindingsConsumer>
{
    public FindingsConsumerDefinition()
    {
        EndpointName = "logsentinel-findings";
    }
}
