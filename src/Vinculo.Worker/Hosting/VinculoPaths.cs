using Microsoft.Extensions.Logging;

namespace Vinculo.Hosting;

/// <summary>
/// Where the worker reads its settings and keeps its files. Every relative path it uses (the SQLite file of
/// <c>Database:ConnectionString</c> and its lock folder, <c>Import:InboxPath</c>, <c>Dispatch:OutboxPath</c>) resolves
/// against <see cref="DataRoot"/>, so a service, a script and a person at a terminal all reach the same files.
/// </summary>
/// <param name="SettingsFile">The settings file read, or null when there is none (defaults, environment and command line only).</param>
/// <param name="SettingsFolder">The folder of the settings file, or where it was looked for: the host's content root.</param>
/// <param name="DataRoot"><c>--data</c>, else <c>VINCULO_DATA</c>, else <paramref name="SettingsFolder"/>.</param>
public sealed record VinculoPaths(string? SettingsFile, string SettingsFolder, string DataRoot)
{
    public const string SettingsFileName = "appsettings.json";

    /// <summary>The environment variable naming the data folder (<c>--data</c> on the command line wins over it).</summary>
    public const string DataVariable = "VINCULO_DATA";

    /// <summary>A path from the settings, made absolute against <see cref="DataRoot"/> (an absolute path stays as it is).</summary>
    public string Resolve(string path) => Resolve(DataRoot, path);

    public static string Resolve(string root, string path) => Path.GetFullPath(Path.Combine(root, path));

    /// <summary>
    /// The settings file is <paramref name="settingsFile"/> (<c>--config</c>, which must exist), else <c>appsettings.json</c>
    /// in <paramref name="settingsFolder"/> when one is given, else in the current directory when there is one there, else
    /// beside the binary (none is fine: defaults apply). The data root is <paramref name="dataFolder"/> (<c>--data</c>), else
    /// <c>VINCULO_DATA</c>, else the settings file's folder; relative ones are taken from the current directory.
    /// </summary>
    /// <exception cref="ConfigurationException"><paramref name="settingsFile"/> does not exist.</exception>
    public static VinculoPaths Locate(string? settingsFile, string? dataFolder, string? settingsFolder = null)
    {
        string? file;
        string folder;
        if (settingsFile is not null)
        {
            file = Path.GetFullPath(settingsFile);
            if (!File.Exists(file))
            {
                throw new ConfigurationException([$"--config: o arquivo de configuração '{settingsFile}' não existe ({file})."]);
            }

            folder = Path.GetDirectoryName(file)!;
        }
        else
        {
            folder = Path.GetFullPath(settingsFolder ?? DefaultSettingsFolder());
            var candidate = Path.Combine(folder, SettingsFileName);
            file = File.Exists(candidate) ? candidate : null;
        }

        folder = Path.TrimEndingDirectorySeparator(folder);
        var data = new[] { dataFolder, Environment.GetEnvironmentVariable(DataVariable) }.FirstOrDefault(d => !string.IsNullOrWhiteSpace(d));
        return new VinculoPaths(file, folder, data is null ? folder : Path.TrimEndingDirectorySeparator(Path.GetFullPath(data)));
    }

    /// <summary>The current directory when it holds <c>appsettings.json</c> (the repository root, a service's working directory), otherwise the binary's folder.</summary>
    public static string DefaultSettingsFolder()
    {
        var current = Directory.GetCurrentDirectory();
        return File.Exists(Path.Combine(current, SettingsFileName)) ? current : AppContext.BaseDirectory;
    }
}

/// <summary>The start-up line that says what a run uses; it sits beside the paths it reports.</summary>
internal static partial class Log
{
    [LoggerMessage(2010, LogLevel.Information, "Using settings {SettingsFile}; database: {Database}; data folder {DataRoot}; inbox {Inbox}; outbox {Outbox}")]
    public static partial void InUse(ILogger logger, string settingsFile, string database, string dataRoot, string inbox, string outbox);
}
