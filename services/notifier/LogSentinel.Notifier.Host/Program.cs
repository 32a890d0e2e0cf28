using System.CommandLine;
using LogSentinel.Notifier.Commands;

var root = new RootCommand("LogSentinel notifier: alert and analysis emails (HTML and text), a webhook, deduplicated and throttled")
{
    RunCommand.Create(),
};
return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
