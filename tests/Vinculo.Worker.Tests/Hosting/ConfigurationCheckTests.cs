using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Vinculo.Consent;
using Vinculo.Engines;
using Vinculo.Phones;

namespace Vinculo.Hosting;

/// <summary>
/// The start-up check over the framework's validators: every mistake at once, each naming its full key and the value,
/// in the same words as before the rules moved onto the options classes.
/// </summary>
public sealed class ConfigurationCheckTests(SqliteEngine engine) : IClassFixture<SqliteEngine>
{
    [Theory]
    [InlineData("--Phones:BatchSize=50", "Phones:BatchSize: '50' deve estar entre 100 e 200000.")]
    [InlineData("--Dispatch:MessagesPerSecond=0", "Dispatch:MessagesPerSecond: '0' deve estar entre 0.1 e 1000 (o padrão da Meta é 80 por número).")]
    [InlineData("--Dispatch:PauseOptOutRate=0", "Dispatch:PauseOptOutRate: '0' deve ser uma fração maior que 0 e até 1 (ex.: 0.02 para 2%).")]
    [InlineData("--Dispatch:RetryDelay=02:00:00", "Dispatch:RetryDelay: '02:00:00' deve estar entre 00:00:01 e 01:00:00.")]
    [InlineData("--Import:SettleTime=02:00:00", "Import:SettleTime: '02:00:00' deve estar entre 00:00:00 e 01:00:00.")]
    [InlineData("--Import:ArchiveDays=3", "Import:ArchiveDays: '3' deve estar entre 7 e 3650 (ou ausente, para guardar o arquivo para sempre).")]
    [InlineData("--Database:CommandTimeout=00:00:00", "Database:CommandTimeout: '00:00:00' deve ser uma duração positiva de até um dia, como 00:05:00.")]
    [InlineData("--Database:RetryDelay=00:02:00", "Database:RetryDelay: '00:02:00' deve ser uma duração entre 00:00:00 e 00:01:00, como 00:00:01.")]
    [InlineData("--Scheduler:RetryAttempts=11", "Scheduler:RetryAttempts: '11' deve estar entre 0 e 10 (0 desliga as novas tentativas).")]
    [InlineData("--Messaging:MinRelevance=1.5", "Messaging:MinRelevance: '1.5' deve ser um número entre 0 e 1 (ex.: 0.35).")]
    [InlineData("--Messaging:FrequencyCapDays=0", "Messaging:FrequencyCapDays: '0' deve estar entre 1 e 365 dias.")]
    [InlineData("--Retention:AnonymizeInactiveAfterDays=10", "Retention:AnonymizeInactiveAfterDays: '10' deve estar entre 30 e 36500 (ou ausente, para desligar).")]
    [InlineData("--Webhook:MaxBodyBytes=10", "Webhook:MaxBodyBytes: '10' deve estar entre 1024 e 16777216 (16 MiB); o padrão é 1048576.")]
    [InlineData("--Phones:DefaultAreaCode=20", "Phones:DefaultAreaCode: '20' não é um DDD válido (ex.: 11).")]
    [InlineData("--Consent:OptInKeywords:0=sair", "Consent:OptInKeywords: 'sair' também está em Consent:OptOutKeywords; uma palavra-chave não pode pedir as duas coisas.")]
    public async Task ARangeOrRuleBroken_IsReported_WithItsKeyAndValue(string setting, string expected)
    {
        await using var db = await engine.CreateDatabaseAsync();
        using var host = db.BuildHost(extraArgs: [setting]);

        Assert.Equal([expected], ConfigurationCheck.Collect(host.Services));
    }

    [Fact]
    public async Task MessagesTheCoreWritesWithTheirKey_AreNotPrefixedTwice()
    {
        await using var db = await engine.CreateDatabaseAsync();
        using var host = db.BuildHost(extraArgs: ["--Messaging:DefaultHour=24"]);

        var failure = Assert.Single(ConfigurationCheck.Collect(host.Services));

        Assert.StartsWith("Messaging:DefaultHour: '24'", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeywordLists_AreReportedByTheSection_InItsOwnWords()
    {
        await using var db = await engine.CreateDatabaseAsync();
        using var host = db.BuildHost(extraArgs: ["--Consent:OptOutKeywords:0=sair", "--Consent:OptOutKeywords:1=", "--Consent:OptOutKeywords:2=...", "--Consent:OptInKeywords:0=🙏"]);

        var failures = ConfigurationCheck.Collect(host.Services);

        Assert.Contains("Consent:OptOutKeywords: o item 1 ('') fica vazio sem acentos, pontuação e emoji; use uma palavra como 'sair'.", failures);
        Assert.Contains("Consent:OptOutKeywords: o item 2 ('...') fica vazio sem acentos, pontuação e emoji; use uma palavra como 'sair'.", failures);
        Assert.Contains("Consent:OptInKeywords: o item 0 ('🙏') fica vazio sem acentos, pontuação e emoji; use uma palavra como 'sair'.", failures);
        Assert.Equal(3, failures.Count);
    }

    [Fact]
    public void AnEmptyKeywordList_IsNamedByItsSetting()
    {
        var result = new ConsentOptionsValidator().Validate(Options.DefaultName, new ConsentOptions { OptInKeywords = [] });

        Assert.Equal(["Consent:OptInKeywords: a lista está vazia; informe ao menos uma palavra-chave (ou remova a configuração para usar as padrão)."], result.Failures);
    }

    [Fact]
    public async Task AValueThatCannotBeConverted_DoesNotHideTheMistakesBesideIt()
    {
        await using var db = await engine.CreateDatabaseAsync();
        using var host = db.BuildHost(extraArgs: ["--Dispatch:MaxAttempts=lots", "--Dispatch:MaxConcurrency=0", "--Dispatch:RetryDelay=soon", "--Phones:BatchSize=1"]);

        var failures = ConfigurationCheck.Collect(host.Services);

        Assert.Equal(
            new[]
            {
                "Dispatch:MaxAttempts: 'lots' não é um número inteiro válido.",
                "Dispatch:RetryDelay: 'soon' não é uma duração válida (ex.: 00:05:00).",
                "Dispatch:MaxConcurrency: '0' deve estar entre 1 e 256.",
                "Phones:BatchSize: '1' deve estar entre 100 e 200000.",
            }.Order(StringComparer.Ordinal),
            failures.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task AMisspeltKey_IsNamed_InEverySection()
    {
        await using var db = await engine.CreateDatabaseAsync();
        using var plain = db.BuildHost();
        var sections = plain.Services.GetServices<OptionsSection>().Select(s => s.Name).ToList();
        using var host = db.BuildHost(extraArgs: [.. sections.Select(section => $"--{section}:Misspelt=1")]);

        var failures = ConfigurationCheck.Collect(host.Services);

        Assert.Contains("Dispatch", sections);
        Assert.Contains("OpenTelemetry", sections);
        Assert.Equal(sections.Count, failures.Count);
        foreach (var section in sections)
        {
            Assert.Contains(failures, f => f.StartsWith($"{section}:Misspelt: chave desconhecida; as chaves de {section} são ", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task AMisspeltSection_StopsTheCommand_NamingItsKey_AndTheSectionsThereAre()
    {
        await using var db = await engine.CreateDatabaseAsync();

        var result = await db.CliAsync(["migrate", "--Mesaging:DailyLimit=5"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(
            "Mesaging: seção desconhecida (com Mesaging:DailyLimit); as seções são Consent, Database, Dispatch, Import, Logging, Messaging, OpenTelemetry, Phones, Retention, Scheduler, Webhook.",
            result.Error,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheSectionsTheWorkerReads_AndPlainHostValues_AreNotUnknownSections()
    {
        await using var db = await engine.CreateDatabaseAsync();
        File.Copy(Path.Combine(Data.SqlServerStatementTests.RepositoryRoot(), "appsettings.json"), Path.Combine(db.ContentRoot, "appsettings.json"));
        // Every section of the shipped settings file, the framework's logging, other spellings of a section's name, and
        // plain values at the top (host settings, VINCULO_DATA read as DATA) that are not sections at all.
        using var host = db.BuildHost(extraArgs:
        [
            "--Logging:LogLevel:Quartz=Warning", "--messaging:DailyLimit=50", "--OPENTELEMETRY:ServiceName=loja",
            "--environment=Production", "--contentRoot=/srv/vinculo", "--urls=http://localhost:5000", "--DATA=/var/lib/vinculo",
        ]);

        Assert.Empty(ConfigurationCheck.Collect(host.Services));
    }

    [Theory]
    [InlineData("--Messaging:Weights:Recncy=0.3", "Messaging:Weights:Recncy: chave desconhecida; as chaves de Messaging:Weights são ")]
    [InlineData("--Scheduler:Jobs:expire-consents:Cronn=0 0 3 * * ?", "Scheduler:Jobs:expire-consents:Cronn: chave desconhecida; as chaves de Scheduler:Jobs:expire-consents são ")]
    public async Task AMisspeltNestedKey_StopsTheCommand_NamingItsFullKey(string setting, string expected)
    {
        await using var db = await engine.CreateDatabaseAsync();

        var result = await db.CliAsync(["migrate", setting]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheFrameworkValidatesOnStart_WhereTheCheckWasNotRun()
    {
        await using var db = await engine.CreateDatabaseAsync();
        using var host = db.BuildHost(extraArgs: ["--Import:CommitRows=5"]);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Equal(["Import:CommitRows: '5' deve estar entre 100 e 1000000 (linhas por transação)."], error.Failures);
    }

    [Theory]
    [InlineData("--Database:Provider=Oracle", "Database:Provider: 'Oracle' não é suportado; use Sqlite, Postgres, SqlServer.")]
    [InlineData("--Database:CommandTimeout=never", "Database:CommandTimeout: 'never' não é uma duração válida (ex.: 00:05:00).")]
    [InlineData("--Webhook:Enabled=maybe", "Webhook:Enabled: 'maybe' não é um valor válido (use true ou false).")]
    [InlineData("--Scheduler:MaxConcurrency=many", "Scheduler:MaxConcurrency: 'many' não é um número inteiro válido.")]
    public async Task TheSchedulerHost_StopsOnABadSetting_BeforeAnythingStarts(string setting, string expected)
    {
        await using var db = await engine.CreateDatabaseAsync();

        var error = Assert.Throws<ConfigurationException>(() => db.BuildSchedulerHost(extraArgs: [setting, "--Phones:BatchSize=1"]));

        Assert.Equal(new[] { expected, "Phones:BatchSize: '1' deve estar entre 100 e 200000." }.Order(StringComparer.Ordinal), error.Failures.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task OnePhoneClassifier_FromTheValidatedSettings_ServesTheWholeHost()
    {
        await using var db = await engine.CreateDatabaseAsync();
        using var host = db.BuildHost(extraArgs: ["--Phones:DefaultAreaCode=21"]);

        var classifier = host.Services.GetRequiredService<PhoneClassifier>();

        Assert.Same(classifier, host.Services.GetRequiredService<PhoneClassifier>());
        Assert.Equal("+5521987654321", classifier.Classify("98765-4321").E164);
        Assert.Single(host.Services.GetServices<PhoneClassifier>());
    }
}
