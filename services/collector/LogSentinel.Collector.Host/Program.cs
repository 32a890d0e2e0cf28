using System.CommandLine;
using LogSentinel.Collector.Commands;

var root = new RootCommand("LogSentinel collector: reads a host's auth, mail and fail2ban logs and journald")
{
    ParseCommand.Create(),
    RunCommand.Create(),
    HealthCommand.Create(),
};
return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
