import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UserEntity } from './user.entity';
import { LoginService } from './login.service';
import { UsersService } from './users.service';
import { UserDirectories } from './user-directories';
import { TypeOrmUsersRepository, UsersRepository } from './users.repository';

@Module({
  imports: [TypeOrmModule.forFeature([UserEntity])],
  providers: [{ provide: UsersRepository, useClass: TypeOrmUsersRepository }, UsersService, LoginService, UserDirectories],
  exports: [UsersService, LoginService, UserDirectories],
})
export class UsersModule {}
