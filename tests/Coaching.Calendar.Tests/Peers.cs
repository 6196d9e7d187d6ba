using System.Diagnostics;

namespace Coaching.Calendar.Tests;

/// <summary>Running the independent peers (node, Python, khal) the interop tests compare against, and finding the repository.</summary>
internal static class Peers
{
    private static readonly Lazy<string> RepoPath = new(FindRepo);

    /// <summary>The repository root (where Coaching.sln is).</summary>
    public static string Repo => RepoPath.Value;

    /// <summary>Runs a program and returns its output; fails on a non-zero exit, skips when the program is not installed.</summary>
    public static string Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        try
        {
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            process.WaitForExit(60_000);
            Assert.True(process.ExitCode == 0, $"{program} failed: {stderr.Result}");
            return stdout.Result;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Skip.If(true, $"{program} is not installed.");
            throw;
        }
    }

    private static string FindRepo()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Coaching.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Coaching.sln not found above the test binaries.");
    }
}
