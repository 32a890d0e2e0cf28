using System.CommandLine;
using LogSentinel.Detector.Commands;

// `rules check` and `rules test` live in the single-process `logsentinel` (services/logsentinel), the one place
// operators run rules by hand; the detector's host is the service.
var root = new RootCommand("LogSentinel detector: detection rules over the security event stream, alerts out")
{
    RunCommand.Create(),
    PartitionsCommand.Create(),
};
return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
