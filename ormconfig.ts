import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from './src/config/app-config';
import { dataSourceOptions } from './src/database/data-source.options';

/** For the TypeORM CLI (`npm run typeorm -- migration:run`): the same options as the app. */
export default new DataSource(dataSourceOptions(loadConfig(process.env)));
