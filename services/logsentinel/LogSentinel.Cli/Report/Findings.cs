using System.Collections.Concurrent;
using LogSentinel.Contracts;
using LogSentinel.Notifier.Rendering;
using MassTransit;

namespace LogSentinel.Cli.Report;

/// <summary>
/// What a run found: the latest revision of every alert, and the window analyses the report shows — the riskiest
/// <see cref="KeptAnalyses"/> (a long log has thousands of windows; the rest are counted, not kept).
/// </summary>
public sealed class Findings
{
    public const int KeptAnalyses = NotificationRenderer.ReportedAnalyses + NotificationRenderer.ListedAnalyses;

    private readonly ConcurrentDictionary<string, AlertRaised> _alerts = new(StringComparer.Ordinal);

    /// <summary>The least risky kept analysis on top, to make room for a riskier one.</summary>
    private readonly PriorityQueue<WindowAnalyzed, WindowAnalyzed> _analyses = new(Comparer<WindowAnalyzed>.Create((a, b) => -NotificationRenderer.RiskOrder(a, b)));
    private readonly HashSet<string> _analysisIds = new(StringComparer.Ordinal);
    private int _analysed;

    public void Add(AlertRaised alert) =>
        _alerts.AddOrUpdate(alert.AlertId, alert, (_, known) => alert.Revision >= known.Revision ? alert : known);

    public void Add(WindowAnalyzed analysis)
    {
        lock (_analyses)
        {
            if (!_analysisIds.Add(analysis.AnalysisId))
                return;
            _analysed++;
            _analyses.Enqueue(analysis, analysis);
            if (_analyses.Count > KeptAnalyses)
                _analyses.Dequeue();
        }
    }

    /// <summary>Windows analysed in all.</summary>
    public int Analysed
    {
        get
        {
            lock (_analyses)
                return _analysed;
        }
    }

    /// <summary>Each alert's latest revision, in the order they started (then rule and offender: the same every run).</summary>
    public IReadOnlyList<AlertRaised> Alerts =>
        [.. _alerts.Values.OrderBy(a => a.WindowStart).ThenBy(a => a.RuleId, StringComparer.Ordinal).ThenBy(a => a.Offender, StringComparer.Ordinal)];

    /// <summary>The kept analyses, riskiest first.</summary>
    public IReadOnlyList<WindowAnalyzed> Analyses
    {
        get
        {
            lock (_analyses)
                return [.. _analyses.UnorderedItems.Select(i => i.Element).Order(Comparer<WindowAnalyzed>.Create(NotificationRenderer.RiskOrder))];
        }
    }
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
