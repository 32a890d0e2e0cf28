using System.CommandLine;
using LogSentinel.Indexer.Commands;

var root = new RootCommand("LogSentinel indexer: events, alerts and analyses into Elasticsearch (for Grafana) and MySQL")
{
    RunCommand.Create(),
};
return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
