import type { Command } from 'commander';

export function registerSimCommand(program: Command): void {
  program
    .command('sim')
    .description('Run the Zendesk-compatible practice helpdesk (the simulator) on 127.0.0.1')
    .allowUnknownOption(true)
    .helpOption(false)
    .argument('[args...]', 'simulator options; see lethe sim --help')
    .action(async (args: string[]) => {
      const { runSimulatorCli } = await import('../../sim/main');
      await runSimulatorCli(args);
    });
}
