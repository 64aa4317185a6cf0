using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Vinculo.Data;
using Vinculo.Dispatch;
using Vinculo.Engines;
using Vinculo.Hosting;

namespace Vinculo.Cli;

/// <summary>
/// One data folder for every relative path (<c>--data</c>, <c>VINCULO_DATA</c>, else the settings' folder), the settings file
/// (<c>--config</c>), the start-up line that says what is in use, and verbs that migrate first.
/// </summary>
public sealed class DataFolderTests : IDisposable
{
    private const string RelativeSettings = """
        {
          "Database": { "ConnectionString": "Data Source=db/vinculo.db" },
          "Import": { "InboxPath": "in" },
          "Dispatch": { "OutboxPath": "out" }
        }
        """;

    private readonly string root = Directory.CreateTempSubdirectory("vinculo-data-").FullName;

    private string Settings => Path.Combine(root, "settings");

    private string Data => Path.Combine(root, "data");

    public DataFolderTests()
    {
        Directory.CreateDirectory(Settings);
        File.WriteAllText(Path.Combine(Settings, VinculoPaths.SettingsFileName), RelativeSettings);
    }

    [Fact]
    public async Task Data_PutsTheRelativeDatabaseItsLocksInboxAndOutboxUnderIt()
    {
        var result = await CliAsync(["run", "import-chats", "--data", Data]);

        Assert.True(result.ExitCode == 0, result.All);
        Assert.True(File.Exists(Path.Combine(Data, "db", "vinculo.db")), result.All);
        Assert.True(Directory.Exists(Path.Combine(Data, "db", "vinculo.db.locks")));
        Assert.True(Directory.Exists(Path.Combine(Data, "in")), "import-chats made its inbox under the data folder");
        Assert.False(Directory.Exists(Path.Combine(Settings, "db")));
        Assert.False(Directory.Exists(Path.Combine(Settings, "in")));
        Assert.Contains($"outbox {Path.Combine(Data, "out")}", result.Logs.All, StringComparison.Ordinal);

        using var host = Host(VinculoPaths.Locate(null, Data, Settings));
        Assert.Equal(Path.Combine(Data, "out"), host.Services.GetRequiredService<LogSender>().OutboxFolder);
    }

    [Fact]
    public async Task WithoutData_RelativePathsStayBesideTheSettings()
    {
        var result = await CliAsync(["run", "import-chats"]);

        Assert.True(result.ExitCode == 0, result.All);
        Assert.True(File.Exists(Path.Combine(Settings, "db", "vinculo.db")));
        Assert.True(Directory.Exists(Path.Combine(Settings, "in")));
    }

    [Fact]
    public async Task Data_AndConfig_MayBeWrittenWithAnEqualsSign_AnywhereAmongTheArguments()
    {
        var config = Path.Combine(root, "elsewhere.json");
        File.WriteAllText(config, """{ "Database": { "ConnectionString": "Data Source=other.db" } }""");

        var result = await CliAsync([$"--data={Data}", "migrate", $"--config={config}"]);

        Assert.True(result.ExitCode == 0, result.All);
        Assert.True(File.Exists(Path.Combine(Data, "other.db")), result.All);
        Assert.Contains($"Using settings {config};", result.Logs.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Config_WithoutData_PutsRelativePathsBesideThatFile()
    {
        var folder = Directory.CreateDirectory(Path.Combine(root, "etc")).FullName;
        var config = Path.Combine(folder, "vinculo.json");
        File.WriteAllText(config, RelativeSettings);

        var result = await CliAsync(["migrate", "--config", config]);

        Assert.True(result.ExitCode == 0, result.All);
        Assert.True(File.Exists(Path.Combine(folder, "db", "vinculo.db")), result.All);
        Assert.False(Directory.Exists(Path.Combine(Settings, "db")));
    }

    [Fact]
    public async Task Config_ThatDoesNotExist_ExitsWithTwo_NamingIt()
    {
        var result = await CliAsync(["migrate", "--config", "missing.json"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--config", result.Error, StringComparison.Ordinal);
        Assert.Contains("'missing.json' não existe", result.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(Settings, "db")));
    }

    [Theory]
    [InlineData("--data")]
    [InlineData("--config")]
    public async Task DataOrConfig_WithoutAValue_IsBadUsage(string option)
    {
        var result = await CliAsync(["migrate", option]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(option + ":", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_OnAFreshSqliteFile_MigratesFirst_AndSucceeds()
    {
        var result = await CliAsync(["run", "revalidate-phones", "--data", Data, "--Database:ConnectionString=Data Source=fresh/vinculo.db"]);

        Assert.True(result.ExitCode == 0, result.All);
        Assert.Contains("revalidate-phones: concluído", result.Output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(Data, "fresh", "vinculo.db")));
    }

    /// <summary>Every verb that needs the schema prepares it the same way: migrated by default, refused without MigrateOnStart.</summary>
    [Theory]
    [InlineData("run", "expire-consents")]
    [InlineData("sweep")]
    [InlineData("erase", "--phone", "+5511987654321")]
    [InlineData("import", "{inbox}")]
    [InlineData("dispatch", "status")]
    [InlineData("dispatch", "resume")]
    [InlineData("content", "list")]
    [InlineData("content", "resume", "1")]
    public async Task EveryVerbThatNeedsTheSchema_MigratesAFreshDatabase_OrRefusesItWithoutMigrateOnStart(params string[] verb)
    {
        var inbox = Directory.CreateDirectory(Path.Combine(root, "drop")).FullName;
        string[] args = [.. verb.Select(a => a == "{inbox}" ? inbox : a), "--data", Data];

        var refused = await CliAsync([.. args, "--Database:MigrateOnStart=false"]);
        var migrated = await CliAsync(args);

        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("Execute 'vinculo migrate'", refused.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("não está atualizado", migrated.Error, StringComparison.Ordinal);
        Assert.Contains("Schema of the arquivo SQLite", migrated.Logs.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutMigrateOnStart_AFreshDatabaseIsRefused_WithExitTwo_NamingVinculoMigrate()
    {
        var result = await CliAsync(["run", "revalidate-phones", "--data", Data, "--Database:MigrateOnStart=false"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("vinculo migrate", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("revalidate-phones: concluído", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartupLine_SaysWhatIsInUse()
    {
        var result = await CliAsync(["dispatch", "status", "--data", Data]);

        Assert.True(result.ExitCode == 0, result.All);
        var line = Assert.Single(result.Logs.Entries, e => e.Text.StartsWith("Using settings", StringComparison.Ordinal)).Text;
        Assert.Equal(
            $"Using settings {Path.Combine(Settings, "appsettings.json")}; database: arquivo SQLite {Path.Combine(Data, "db", "vinculo.db")}; " +
            $"data folder {Data}; inbox {Path.Combine(Data, "in")}; outbox {Path.Combine(Data, "out")}",
            line);
    }

    [Fact]
    public async Task StartupLine_WithoutASettingsFile_SaysSo()
    {
        File.Delete(Path.Combine(Settings, VinculoPaths.SettingsFileName));

        var result = await CliAsync(["migrate", "--data", Data]);

        Assert.True(result.ExitCode == 0, result.All);
        Assert.Contains("Using settings none: defaults and environment;", result.Logs.All, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(Data, "data", "vinculo.db")), "the default Data Source=data/vinculo.db, under the data folder");
    }

    [SkippableFact]
    public async Task StartupLine_NamesTheServerDatabase_NeverItsPassword()
    {
        var engine = new PostgresEngine();
        engine.SkipIfUnavailable();
        await using var db = await engine.CreateDatabaseAsync();
        var database = db.DatabaseName;

        var result = await CliAsync(
            ["dispatch", "status", "--Database:Provider=Postgres", $"--Database:ConnectionString={db.ConnectionString};Password=s3cr3t-pw", "--Database:ConnectRetries=0"]);

        Assert.True(result.ExitCode == 0, result.All);
        Assert.Contains($"Using settings {Path.Combine(Settings, "appsettings.json")}; database: banco PostgreSQL '{database}' em ", result.Logs.All, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t-pw", result.All + result.Logs.All, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, false, false, false, "simple")]
    [InlineData(null, false, false, true, "json")]
    [InlineData(null, true, false, true, "systemd")]
    [InlineData(null, false, true, true, "systemd")]
    [InlineData("Json", true, true, true, "json")]
    [InlineData(" simple ", false, false, true, "simple")]
    public void ConsoleFormatter_FollowsTheSettingThenSystemdThenRedirection(string? configured, bool systemdService, bool toJournal, bool redirected, string expected) =>
        Assert.Equal(expected, VinculoHost.ConsoleFormatterFor(configured, systemdService, toJournal, redirected));

    [Fact]
    public async Task ConsoleFormatter_Unknown_IsAConfigurationError_NamingTheKey()
    {
        var result = await CliAsync(["migrate", "--data", Data, "--Logging:Console:FormatterName=xml"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Logging:Console:FormatterName: 'xml'", result.Error, StringComparison.Ordinal);
    }

    /// <summary>
    /// The real binary, as a script or a service manager starts it: settings chosen by a relative <c>--config</c>, the data
    /// folder by a relative <c>VINCULO_DATA</c> (both from the working directory), a fresh database migrated by <c>run</c>,
    /// and logs as JSON because standard error is redirected.
    /// </summary>
    [Fact]
    public async Task TheBinary_TakesTheDataFolderFromTheEnvironment_AndLogsJsonWhenRedirected()
    {
        Directory.CreateDirectory(Path.Combine(root, "etc"));
        File.WriteAllText(Path.Combine(root, "etc", "vinculo.json"), RelativeSettings);
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "vinculo.dll"), "--config", "etc/vinculo.json", "run", "revalidate-phones" })
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("VINCULO_", StringComparison.Ordinal) || k is "JOURNAL_STREAM" or "INVOCATION_ID").ToList())
        {
            start.Environment.Remove(name);
        }

        start.Environment[VinculoPaths.DataVariable] = Path.Combine("var", "lib");

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(90));

        var data = Path.Combine(root, "var", "lib");
        Assert.True(process.ExitCode == 0, await output + await error);
        Assert.Contains("revalidate-phones: concluído", await output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(data, "db", "vinculo.db")));
        var startup = (await error).Split('\n').Where(l => l.Contains("\"EventId\":2010", StringComparison.Ordinal)).Select(l => JsonDocument.Parse(l)).Single();
        var state = startup.RootElement.GetProperty("State");
        Assert.Equal(Path.Combine(root, "etc", "vinculo.json"), state.GetProperty("SettingsFile").GetString());
        Assert.Equal(data, state.GetProperty("DataRoot").GetString());
        Assert.Equal(Path.Combine(data, "in"), state.GetProperty("Inbox").GetString());
        Assert.True(startup.RootElement.TryGetProperty("Timestamp", out _));
    }

    public void Dispose()
    {
        TestDatabase.ReleaseEmbeddedFiles();
        Directory.Delete(root, recursive: true);
    }

    private static IHost Host(VinculoPaths paths)
    {
        var builder = VinculoHost.CreateBuilder([], paths);
        builder.Services.AddSingleton(TimeProvider.System);
        return builder.Build();
    }

    /// <summary>The command line as a user runs it, with the settings folder as its content root and no database given.</summary>
    private Task<CliResult> CliAsync(IEnumerable<string> args) =>
        CliResult.CaptureAsync(Settings, null, context => VinculoCommandLine.InvokeAsync(["--Database:ConnectRetries=0", .. args], context));
}
