using System.CommandLine;
using LogSentinel.AiAnalyzer.Commands;

var root = new RootCommand("LogSentinel AI analyzer: per-host windows of events and alerts to a risk score, a summary and findings")
{
    RunCommand.Create(),
};
return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
