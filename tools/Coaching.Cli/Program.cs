using Coaching.Cli;

// The coaching admin CLI. `coaching --help` lists the commands, `coaching COMMAND --help` their options; exit codes in ExitCodes.
return await CliApp.RunAsync(args);
