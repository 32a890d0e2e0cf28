using System.CommandLine;
using LogSentinel.Detector.Commands;

var root = new RootCommand("LogSentinel detector: detection rules over the security event stream, alerts out")
{
    RunCommand.Create(),
    RulesCommand.Create(),
};
return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
