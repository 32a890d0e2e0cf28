using LogSentinel.Cli;

return await Cli.RunAsync(args).ConfigureAwait(false);
