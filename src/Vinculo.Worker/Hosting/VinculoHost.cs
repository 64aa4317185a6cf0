using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using Vinculo.Consent;
using Vinculo.Data;
using Vinculo.Dispatch;
using Vinculo.Import;
using Vinculo.Jobs;
using Vinculo.Phones;
using Vinculo.Planning;
using Vinculo.Reporting;
using Vinculo.Webhook;

namespace Vinculo.Hosting;

/// <summary>Builds the worker's host: configuration, logging, database, jobs. The scheduler is added only by the verb that runs it.</summary>
public static class VinculoHost
{
    public const string EnvironmentPrefix = "VINCULO_";

    /// <param name="contentRoot">Where to look for <c>appsettings.json</c> instead of the current directory and the binary's folder.</param>
    /// <remarks>The caller registers the <see cref="TimeProvider"/> (the clock, or <c>--now</c>) before building.</remarks>
    public static HostApplicationBuilder CreateBuilder(IReadOnlyList<string> configurationArgs, string? contentRoot = null) =>
        CreateBuilder(configurationArgs, VinculoPaths.Locate(settingsFile: null, dataFolder: null, contentRoot));

    /// <remarks>The caller registers the <see cref="TimeProvider"/> (the clock, or <c>--now</c>) before building.</remarks>
    public static HostApplicationBuilder CreateBuilder(IReadOnlyList<string> configurationArgs, VinculoPaths paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var configuration = new ConfigurationManager();
        configuration.SetBasePath(paths.SettingsFolder);
        if (paths.SettingsFile is not null)
        {
            configuration.AddJsonFile(paths.SettingsFile, optional: true, reloadOnChange: false);
        }

        configuration.AddEnvironmentVariables(EnvironmentPrefix);
        configuration.AddCommandLine([.. configurationArgs]);

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            DisableDefaults = true,
            ContentRootPath = paths.SettingsFolder,
            Configuration = configuration,
            ApplicationName = "Vinculo",
        });

        builder.Services.AddSingleton(paths);
        builder.AddVinculoLogging();
        builder.AddVinculoOptions();
        builder.AddVinculoData();
        builder.AddVinculoJobRunner();
        builder.AddVinculoPhones();
        builder.AddVinculoConsent();
        builder.AddVinculoImport();
        builder.AddVinculoPlanning();
        builder.AddVinculoDispatch();
        builder.AddVinculoWebhook();
        builder.AddVinculoReporting();
        builder.AddVinculoTelemetry();
        return builder;
    }

    /// <summary>The console formatters <c>Logging:Console:FormatterName</c> may name.</summary>
    public static readonly IReadOnlyList<string> ConsoleFormatters = [ConsoleFormatterNames.Simple, ConsoleFormatterNames.Json, ConsoleFormatterNames.Systemd];

    public static IHostApplicationBuilder AddVinculoLogging(this IHostApplicationBuilder builder)
    {
        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));

        // Vinculo's formatter settings first, so that Logging:Console:FormatterOptions in the settings can still change them.
        builder.Services.Configure<SimpleConsoleFormatterOptions>(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        });
        builder.Services.Configure<JsonConsoleFormatterOptions>(o =>
        {
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";
        });
        builder.Logging.AddConsole();

        // Both are no-ops unless the process really runs under systemd or as a Windows service. Under systemd, AddSystemd
        // already picks the journal's formatter; the choice below agrees with it and adds the cases it does not see.
        builder.Services.AddSystemd();
        builder.Services.AddWindowsService(o => o.ServiceName = "Vinculo");

        var configured = builder.Configuration["Logging:Console:FormatterName"];
        var formatter = ConsoleFormatterFor(configured, SystemdHelpers.IsSystemdService(), StandardErrorIsJournal(), Console.IsErrorRedirected);
        builder.Services.AddOptions<ConsoleLoggerOptions>()
            .PostConfigure(o =>
            {
                o.FormatterName = formatter;
                // Logs go to standard error; standard output carries what a command reports to the user.
                o.LogToStandardErrorThreshold = LogLevel.Trace;
            })
            .Validate(
                o => ConsoleFormatters.Contains(o.FormatterName),
                $"Logging:Console:FormatterName: '{configured}' não é um formato de log; use {string.Join(", ", ConsoleFormatters)}.");
        return builder;
    }

    /// <summary>
    /// The console log format: <c>Logging:Console:FormatterName</c> when set; otherwise systemd's journal format when the
    /// process is a systemd service or writes to the journal, JSON when standard error is redirected (a file, a pipe, a
    /// container's log), and one line per event on a terminal.
    /// </summary>
    public static string ConsoleFormatterFor(string? configured, bool systemdService, bool toJournal, bool errorRedirected) =>
        !string.IsNullOrWhiteSpace(configured) ? configured.Trim().ToLowerInvariant()
        : systemdService || toJournal ? ConsoleFormatterNames.Systemd
        : errorRedirected ? ConsoleFormatterNames.Json
        : ConsoleFormatterNames.Simple;

    /// <summary>
    /// systemd sets <c>JOURNAL_STREAM</c> (device:inode) when it connects standard error to the journal; a child that
    /// inherited the variable but writes elsewhere has another inode on its standard error.
    /// </summary>
    private static bool StandardErrorIsJournal()
    {
        var stream = Environment.GetEnvironmentVariable("JOURNAL_STREAM");
        var colon = stream?.IndexOf(':', StringComparison.Ordinal) ?? -1;
        if (!OperatingSystem.IsLinux() || colon < 0)
        {
            return false;
        }

        try
        {
            return new FileInfo("/proc/self/fd/2").LinkTarget == $"socket:[{stream![(colon + 1)..]}]";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>The start-up line: the settings file, the database (never a password), the data folder, inbox and outbox.</summary>
    public static void LogWhatIsInUse(IServiceProvider services)
    {
        var paths = services.GetRequiredService<VinculoPaths>();
        Log.InUse(
            services.GetRequiredService<ILogger<VinculoPaths>>(),
            paths.SettingsFile ?? "none: defaults and environment",
            services.GetRequiredService<SqlDialect>().DescribeTarget(),
            paths.DataRoot,
            ImportChatsJob.InboxPath(services.GetRequiredService<IOptions<ImportOptions>>().Value, paths),
            LogSender.OutboxFolderFor(services.GetRequiredService<IOptions<DispatchOptions>>().Value, paths));
    }

    public static IHostApplicationBuilder AddVinculoOptions(this IHostApplicationBuilder builder)
    {
        builder.Services.AddVinculoOptions<DatabaseOptions, DatabaseOptionsValidator>(DatabaseOptions.Section);
        builder.Services.AddVinculoOptions<SchedulerOptions, SchedulerOptionsValidator>(SchedulerOptions.Section);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SchedulerOptions>, SchedulerJobsValidator>());
        return builder;
    }

    /// <summary>
    /// An options section bound from configuration and validated when the host starts (<c>ValidateOnStart</c>); before
    /// that, <see cref="ConfigurationCheck"/> reports the mistakes of every section at once, each naming its key.
    /// </summary>
    public static IServiceCollection AddVinculoOptions<TOptions, TValidator>(this IServiceCollection services, string section)
        where TOptions : class, new()
        where TValidator : class, IValidateOptions<TOptions>
    {
        services.AddOptions<TOptions>().BindConfiguration(section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, TValidator>());
        services.AddSingleton(OptionsSection.For<TOptions>(section));
        return services;
    }

    public static IHostApplicationBuilder AddVinculoData(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<DatabaseOptions>>().Value;
            return SqlDialect.Create(options.ProviderKind, options.ConnectionString, sp.GetRequiredService<VinculoPaths>().DataRoot);
        });
        builder.Services.AddSingleton<Database>();
        builder.Services.AddSingleton<SchemaMigrator>();
        builder.Services.AddSingleton<ISqlStatements>(sp => sp.GetRequiredService<SchemaMigrator>());
        return builder;
    }

    public static IHostApplicationBuilder AddVinculoJobRunner(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<JobRunStore>();
        builder.Services.AddSingleton<ISqlStatements>(sp => sp.GetRequiredService<JobRunStore>());
        builder.Services.AddSingleton<JobRunner>();
        // The command line puts its own in place, shared by every host of one invocation.
        builder.Services.TryAddSingleton(_ => new ProgressFeed());
        return builder;
    }

    /// <summary>Registers a job under its SPEC key with its default schedule (overridable in <c>Scheduler:Jobs:&lt;key&gt;:Cron</c>).</summary>
    public static IServiceCollection AddVinculoJob<TJob>(this IServiceCollection services, string key, string defaultCron, string description)
        where TJob : class, IVinculoJob
    {
        services.AddSingleton(new JobDefinition(key, typeof(TJob), defaultCron, description));
        services.TryAddScoped<TJob>();
        return services;
    }
}
