using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
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
using Vinculo.Webhook;

namespace Vinculo.Hosting;

/// <summary>Builds the worker's host: configuration, logging, database, jobs. The scheduler is added only by the verb that runs it.</summary>
public static class VinculoHost
{
    public const string EnvironmentPrefix = "VINCULO_";

    /// <summary>
    /// Vinculo reads <c>appsettings.json</c> from the current directory when there is one there (the
    /// repository root, or a folder the service is started in), otherwise from beside the binary.
    /// Relative paths in the settings are relative to that same directory.
    /// </summary>
    public static string FindContentRoot()
    {
        var current = Directory.GetCurrentDirectory();
        return File.Exists(Path.Combine(current, "appsettings.json")) ? current : AppContext.BaseDirectory;
    }

    /// <remarks>The caller registers the <see cref="TimeProvider"/> (the clock, or <c>--now</c>) before building.</remarks>
    public static HostApplicationBuilder CreateBuilder(IReadOnlyList<string> configurationArgs, string? contentRoot = null)
    {
        var root = contentRoot ?? FindContentRoot();
        var configuration = new ConfigurationManager();
        configuration.SetBasePath(root);
        configuration.AddJsonFile("appsettings.json", optional: true, reloadOnChange: false);
        configuration.AddEnvironmentVariables(EnvironmentPrefix);
        configuration.AddCommandLine([.. configurationArgs]);

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            DisableDefaults = true,
            ContentRootPath = root,
            Configuration = configuration,
            ApplicationName = "Vinculo",
        });

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
        return builder;
    }

    public static IHostApplicationBuilder AddVinculoLogging(this IHostApplicationBuilder builder)
    {
        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));

        // Logs go to standard error; standard output carries what a command reports to the user.
        builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        if (Console.IsErrorRedirected)
        {
            builder.Logging.AddJsonConsole(o => o.UseUtcTimestamp = true);
        }
        else
        {
            builder.Logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss ";
            });
        }

        // Both are no-ops unless the process really runs under systemd or as a Windows service.
        builder.Services.AddSystemd();
        builder.Services.AddWindowsService(o => o.ServiceName = "Vinculo");
        return builder;
    }

    public static IHostApplicationBuilder AddVinculoOptions(this IHostApplicationBuilder builder)
    {
        builder.Services.AddVinculoOptions<DatabaseOptions, DatabaseOptionsValidator>(DatabaseOptions.Section);
        builder.Services.AddVinculoOptions<SchedulerOptions, SchedulerOptionsValidator>(SchedulerOptions.Section);
        return builder;
    }

    /// <summary>An options section bound from configuration, validated, and checked at start-up by <see cref="ConfigurationCheck"/>.</summary>
    public static IServiceCollection AddVinculoOptions<TOptions, TValidator>(this IServiceCollection services, string section)
        where TOptions : class, new()
        where TValidator : class, IValidateOptions<TOptions>
    {
        services.AddOptions<TOptions>().BindConfiguration(section);
        services.AddSingleton<IValidateOptions<TOptions>, TValidator>();
        services.AddSingleton(OptionsSection.For<TOptions>(section));
        return services;
    }

    public static IHostApplicationBuilder AddVinculoData(this IHostApplicationBuilder builder)
    {
        var contentRoot = builder.Environment.ContentRootPath;
        builder.Services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<DatabaseOptions>>().Value;
            return SqlDialect.Create(options.ProviderKind, options.ConnectionString, contentRoot);
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
